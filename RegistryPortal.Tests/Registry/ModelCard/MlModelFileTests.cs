using RegistryPortal.Registry.ModelCard;

namespace RegistryPortal.Tests.Registry.ModelCard;

/// <summary>MLmodel as MLflow writes it: YAML whose signature parts are JSON strings.</summary>
public class MlModelFileTests
{
    [Fact]
    public void A_column_based_signature_reads_as_named_typed_columns_with_their_optionality()
    {
        var (model, problem) = MlModelFile.Parse("""
            flavors:
              python_function:
                env:
                  virtualenv: python_env.yaml
                loader_module: mlflow.sklearn
                python_version: 3.11.9
              sklearn:
                sklearn_version: 1.5.1
            mlflow_version: 2.16.2
            signature:
              inputs: '[{"type": "double", "name": "amount", "required": true}, {"type": "string", "name": "note", "required": false},
                {"type": "array", "items": {"type": "long"}, "name": "history"}]'
              outputs: '[{"type": "double", "name": "score", "required": true}]'
              params: '[{"name": "threshold", "type": "double", "default": 0.5, "shape": null}]'
            saved_input_example_info:
              artifact_path: input_example.json
            """);

        Assert.Null(problem);
        Assert.Equal(["python_function", "sklearn"], model!.Flavors.Select(f => f.Name));
        Assert.Equal(
            [new("env.virtualenv", "python_env.yaml"), new("loader_module", "mlflow.sklearn"), new("python_version", "3.11.9")],
            model.Flavors[0].Properties);
        Assert.Equal([new("sklearn_version", "1.5.1")], model.Flavors[1].Properties);
        Assert.Equal(
            [new SchemaField("amount", "double", "", false), new SchemaField("note", "string", "", true), new SchemaField("history", "array<long>", "", false)],
            model.Signature!.Inputs);
        Assert.Equal([new SchemaField("score", "double", "", false)], model.Signature.Outputs);
        Assert.Equal([new ParamField("threshold", "double", "0.5", "")], model.Signature.Params);
        Assert.Equal("input_example.json", model.InputExampleFile);
        Assert.Contains(new KeyValuePair<string, string>("mlflow_version", "2.16.2"), model.About);
    }

    [Fact]
    public void A_tensor_based_signature_reads_as_dtype_and_shape()
    {
        var (model, _) = MlModelFile.Parse("""
            flavors: {pytorch: {pytorch_version: 2.3.1}}
            signature:
              inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]'
              outputs: '[{"type": "tensor", "name": "logits", "tensor-spec": {"dtype": "float64", "shape": [-1, 10]}}]'
            """);

        Assert.Equal([new SchemaField("", "tensor float32", "(-1, 28, 28)", false)], model!.Signature!.Inputs);
        Assert.Equal([new SchemaField("logits", "tensor float64", "(-1, 10)", false)], model.Signature.Outputs);
        Assert.Empty(model.Signature.Params);
        Assert.Equal("tensor float32 (-1, 28, 28)", model.Signature.Inputs[0].Summary);
    }

    [Fact]
    public void Malformed_yaml_is_an_answer_that_names_the_line()
    {
        var (model, problem) = MlModelFile.Parse("flavors:\n  sklearn:\n    sklearn_version: [1.5\n");

        Assert.Null(model);
        Assert.StartsWith("MLmodel is not valid YAML: line 4", problem);
    }

    [Fact]
    public void Yaml_that_is_not_a_mapping_is_not_a_model()
    {
        var (model, problem) = MlModelFile.Parse("- just\n- a list\n");

        Assert.Null(model);
        Assert.Equal("MLmodel does not describe a model: it should be a YAML mapping with 'flavors' and the like.", problem);
    }

    [Fact]
    public void A_signature_part_that_is_not_json_is_named_and_the_rest_still_reads()
    {
        var (model, problem) = MlModelFile.Parse("""
            signature:
              inputs: '[{"type": "double", "name": "x"'
              outputs: '[{"type": "double", "name": "y"}]'
            """);

        Assert.Null(problem);
        Assert.Empty(model!.Signature!.Inputs);
        Assert.Equal(["y"], model.Signature.Outputs.Select(o => o.Name));
        Assert.StartsWith("The signature's inputs is not valid JSON", Assert.Single(model.Signature.Problems));
    }

    [Fact]
    public void A_model_without_a_signature_has_none()
    {
        var (model, problem) = MlModelFile.Parse("flavors:\n  python_function:\n    loader_module: my_model\n");

        Assert.Null(problem);
        Assert.Null(model!.Signature);
        Assert.Null(model.InputExampleFile);
    }
}
